import { createSerializer, type inferParserType } from "nuqs/server";
import { geoListFields } from "../db/geo-params";
import { parseAsZod } from "./parsers";

/** The /geo view (keyset page position in `cursor`). */
export const geoUrl = {
  q: parseAsZod(geoListFields.q, String),
  job_id: parseAsZod(geoListFields.job_id, String),
  has_stac: parseAsZod(geoListFields.has_stac, String),
  cursor: parseAsZod(geoListFields.cursor, String),
};
export type GeoUrlState = inferParserType<typeof geoUrl>;

export const geoHref = createSerializer(geoUrl);
