import { z } from "zod";
import { boolParam, emptyToUndefined, safeText } from "../api/params";

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
  limit: z.coerce.number({ message: "expected a number" }).int().min(1).max(1000).default(100),
  offset: z.coerce.number({ message: "expected a number" }).int().min(0).default(0),
});
