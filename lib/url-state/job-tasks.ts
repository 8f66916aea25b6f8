import { createSerializer, type inferParserType } from "nuqs/server";
import { jobTasksFields } from "../db/jobs-params";
import { parseAsZod } from "./parsers";

/** A job page's task list (/jobs/<id>): stage, status and page position. */
export const jobTasksUrl = {
  stage: parseAsZod(jobTasksFields.stage, String),
  status: parseAsZod(jobTasksFields.status, (v) => v.join(",")),
  cursor: parseAsZod(jobTasksFields.cursor, String),
};
export type JobTasksUrlState = inferParserType<typeof jobTasksUrl>;

export const jobTasksHref = createSerializer(jobTasksUrl);
