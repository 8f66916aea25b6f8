import { createSerializer, type inferParserType } from "nuqs/server";
import { apiRequestFields, janitorRunFields, stacItemFields } from "../db/catalog-params";
import { parseAsZod } from "./parsers";

/** A STAC collection's item list (/stac/<collection>). */
export const stacItemsUrl = {
  id_prefix: parseAsZod(stacItemFields.id_prefix, String),
  since: parseAsZod(stacItemFields.since, (d) => d.toISOString()),
  until: parseAsZod(stacItemFields.until, (d) => d.toISOString()),
  cursor: parseAsZod(stacItemFields.cursor, String),
};
export type StacItemsUrlState = inferParserType<typeof stacItemsUrl>;
export const stacItemsHref = createSerializer(stacItemsUrl);

/** The API request list (/activity). */
export const apiRequestsUrl = {
  status: parseAsZod(apiRequestFields.status, String),
  data_type: parseAsZod(apiRequestFields.data_type, String),
  dataset: parseAsZod(apiRequestFields.dataset, String),
  since: parseAsZod(apiRequestFields.since, (d) => d.toISOString()),
  until: parseAsZod(apiRequestFields.until, (d) => d.toISOString()),
  cursor: parseAsZod(apiRequestFields.cursor, String),
};
export type ApiRequestsUrlState = inferParserType<typeof apiRequestsUrl>;
export const apiRequestsHref = createSerializer(apiRequestsUrl);

/** The janitor run list (/activity/janitor). */
export const janitorRunsUrl = {
  run_type: parseAsZod(janitorRunFields.run_type, String),
  cursor: parseAsZod(janitorRunFields.cursor, String),
};
export type JanitorRunsUrlState = inferParserType<typeof janitorRunsUrl>;
export const janitorRunsHref = createSerializer(janitorRunsUrl);
