import { z } from "zod";
import { cursorParam, emptyToUndefined, limitParam, offsetParam, safeText } from "../api/params";
import { stageParam } from "../db/jobs-params";

/**
 * The failure triage filters, shared by the /failures pages (URL state), the JSON API and the
 * export, so a link and a curl mean the same thing. Pure: client components build URLs with it.
 */
export const FAILURE_WINDOWS = ["1h", "24h", "7d", "30d"] as const;
export type FailureWindow = (typeof FAILURE_WINDOWS)[number];
export const WINDOW_LABELS: Record<FailureWindow, string> = {
  "1h": "Last hour",
  "24h": "Last 24 hours",
  "7d": "Last 7 days",
  "30d": "Last 30 days",
};
/** Each window as seconds, and the trend's bucket count over it. */
export const WINDOW_SECONDS: Record<FailureWindow, number> = {
  "1h": 3600,
  "24h": 86_400,
  "7d": 604_800,
  "30d": 2_592_000,
};
export const WINDOW_BUCKETS: Record<FailureWindow, number> = { "1h": 12, "24h": 24, "7d": 28, "30d": 30 };

export const FAILURE_SORTS = ["count", "last_seen", "newest"] as const;
export type FailureSort = (typeof FAILURE_SORTS)[number];
export const FAILURE_SOURCES = ["task", "job"] as const;

const windowParam = z.preprocess(
  emptyToUndefined,
  z.enum(FAILURE_WINDOWS, { message: "expected 1h, 24h, 7d or 30d" }).optional().default("24h"),
);

export const failureListFields = {
  window: windowParam,
  job_type: z.preprocess(emptyToUndefined, safeText(100).optional()),
  stage: stageParam,
  source: z.preprocess(emptyToUndefined, z.enum(FAILURE_SOURCES, { message: "expected task or job" }).optional()),
  q: z.preprocess(emptyToUndefined, safeText(200).optional()),
  sort: z.preprocess(
    emptyToUndefined,
    z.enum(FAILURE_SORTS, { message: "expected count, last_seen or newest" }).optional().default("count"),
  ),
  limit: limitParam(50, 200),
  offset: offsetParam,
};
export const failureListSchema = z.object(failureListFields);
export type FailureListParams = z.infer<typeof failureListSchema>;

export const failureGroupFields = {
  window: windowParam,
  limit: limitParam(50),
  cursor: cursorParam,
};
export const failureGroupSchema = z.object(failureGroupFields);
export type FailureGroupParams = z.infer<typeof failureGroupSchema>;
