import type { z } from 'zod';

/** A body of this schema, as JSON. */
export const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
