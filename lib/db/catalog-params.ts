import { z } from "zod";
import { cursorParam, emptyToUndefined, isoDateParam, limitParam, safeText } from "../api/params";

/**
 * Parameters of the catalog lists (STAC items, API requests, janitor runs), shared by their JSON
 * APIs and their pages' URL parsers (lib/url-state), so both accept and refuse the same values.
 */
export const stacItemFields = {
  // The start of an item id (taken literally: % and _ are not wildcards).
  id_prefix: z.preprocess(emptyToUndefined, safeText(200).optional()),
  since: isoDateParam,
  until: isoDateParam,
  cursor: cursorParam,
  limit: limitParam(100),
};

export const API_REQUEST_STATUSES = ["pending", "processing", "completed", "failed"] as const;

export const apiRequestFields = {
  status: z.preprocess(
    emptyToUndefined,
    z.enum(API_REQUEST_STATUSES, { message: `expected one of ${API_REQUEST_STATUSES.join(", ")}` }).optional(),
  ),
  data_type: z.preprocess(emptyToUndefined, safeText(50).optional()),
  dataset: z.preprocess(emptyToUndefined, safeText(255).optional()),
  since: isoDateParam,
  until: isoDateParam,
  cursor: cursorParam,
  limit: limitParam(100),
};

export const janitorRunFields = {
  run_type: z.preprocess(emptyToUndefined, safeText(50).optional()),
  cursor: cursorParam,
  limit: limitParam(50),
};
