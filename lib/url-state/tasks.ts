import { createSerializer, parseAsNumberLiteral, type inferParserType } from "nuqs/server";
import { taskListFields } from "../db/jobs-params";
import { PAGE_SIZES } from "./presets";
import { parseAsZod } from "./parsers";

/** The /tasks view. */
export const tasksUrl = {
  status: parseAsZod(taskListFields.status, (v) => v.join(",")),
  task_type: parseAsZod(taskListFields.task_type, String),
  job_id: parseAsZod(taskListFields.job_id, String),
  stuck: parseAsZod(taskListFields.stuck, String),
  limit: parseAsNumberLiteral(PAGE_SIZES).withDefault(50),
  cursor: parseAsZod(taskListFields.cursor, String),
};
export type TasksUrlState = inferParserType<typeof tasksUrl>;

export const tasksHref = createSerializer(tasksUrl);
