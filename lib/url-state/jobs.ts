import { createSerializer, parseAsNumberLiteral, parseAsStringLiteral, type inferParserType } from "nuqs/server";
import { jobListFields } from "../db/jobs-params";
import { PAGE_SIZES } from "./presets";
import { parseAsZod } from "./parsers";

/** The /jobs view: filters, sort, page size and page position. */
export const jobsUrl = {
  status: parseAsZod(jobListFields.status, (v) => v.join(",")),
  job_type: parseAsZod(jobListFields.job_type, String),
  /** A window relative to now (presets), so a shared link keeps meaning "the last 24 h". */
  hours: parseAsZod(jobListFields.hours, String),
  since: parseAsZod(jobListFields.since, (d) => d.toISOString()),
  until: parseAsZod(jobListFields.until, (d) => d.toISOString()),
  q: parseAsZod(jobListFields.q, String),
  sort: parseAsStringLiteral(["created", "updated"] as const).withDefault("created"),
  limit: parseAsNumberLiteral(PAGE_SIZES).withDefault(PAGE_SIZES[0]),
  cursor: parseAsZod(jobListFields.cursor, String),
};
export type JobsUrlState = inferParserType<typeof jobsUrl>;

/** Links within /jobs (defaults left out, so the plain view is just /jobs). */
export const jobsHref = createSerializer(jobsUrl);
/** The same view for the JSON API and the exports: every value explicit (the API's defaults differ). */
export const jobsApiQuery = createSerializer(jobsUrl, { clearOnDefault: false });
