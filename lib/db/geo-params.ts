import { z } from "zod";
import { boolParam, emptyToUndefined, limitParam, offsetParam, safeText } from "../api/params";

/** The layer list's parameters, shared by GET /api/dbadmin/geo/metadata and the /geo page's URL parsers. */
export const geoListFields = {
  job_id: z.preprocess(emptyToUndefined, safeText(64).optional()),
  has_stac: z.preprocess(emptyToUndefined, boolParam.optional()),
  // Matched anywhere in the title, table name or keywords (ILIKE, escaped).
  q: z.preprocess(emptyToUndefined, safeText(200).optional()),
  cursor: z.preprocess(emptyToUndefined, safeText(512).optional()),
};

/** GET /api/dbadmin/geo/metadata: the list's fields plus the pipeline API's OFFSET paging. */
export const geoMetadataQuery = z.object({
  ...geoListFields,
  // The same integer rule as every route (digits only: no 0x10, 1e3), limit capped at 1000.
  limit: limitParam(100),
  offset: offsetParam,
});
