import { createSerializer, parseAsNumberLiteral, type inferParserType } from "nuqs/server";
import { failureGroupFields, failureListFields } from "../failures/params";
import { PAGE_SIZES } from "./presets";
import { parseAsZod } from "./parsers";

/** The /failures view. */
export const failuresUrl = {
  window: parseAsZod(failureListFields.window, String).withDefault("24h"),
  job_type: parseAsZod(failureListFields.job_type, String),
  stage: parseAsZod(failureListFields.stage, String),
  source: parseAsZod(failureListFields.source, String),
  q: parseAsZod(failureListFields.q, String),
  sort: parseAsZod(failureListFields.sort, String).withDefault("count"),
  limit: parseAsNumberLiteral(PAGE_SIZES).withDefault(50),
  offset: parseAsZod(failureListFields.offset, String),
};
export type FailuresUrlState = inferParserType<typeof failuresUrl>;
export const failuresHref = createSerializer(failuresUrl);

/** One group's page: /failures/{signature}. */
export const failureGroupUrl = {
  window: parseAsZod(failureGroupFields.window, String).withDefault("24h"),
  limit: parseAsNumberLiteral(PAGE_SIZES).withDefault(50),
  cursor: parseAsZod(failureGroupFields.cursor, String),
};
export type FailureGroupUrlState = inferParserType<typeof failureGroupUrl>;
export const failureGroupHref = createSerializer(failureGroupUrl);
