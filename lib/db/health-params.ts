import { z } from "zod";

/** ?long_query_seconds=N: the long-running threshold for this request (default HEALTH_LONG_QUERY_SECONDS). Shared by the page and the API. */
export const healthParams = z.object({
  long_query_seconds: z
    .string()
    .regex(/^\d{1,5}$/, "expected a whole number of seconds between 1 and 86400")
    .transform(Number)
    .refine((n) => n >= 1 && n <= 86_400, "expected a whole number of seconds between 1 and 86400")
    .optional(),
});
