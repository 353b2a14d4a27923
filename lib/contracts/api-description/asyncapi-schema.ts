/**
 * An OpenAPI 3.1 schema (JSON Schema 2020-12 with OpenAPI's vocabulary) in AsyncAPI's schema
 * dialect, a superset of JSON Schema draft-07. Two constructs the zod schemas give differ:
 * a tuple (2020-12's `prefixItems` is draft-07's array form of `items`, its length fixed) and a
 * discriminator (OpenAPI's object; AsyncAPI's is the property name alone).
 */
export function asAsyncApiSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(asAsyncApiSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const converted: Record<string, unknown> = Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [key, asAsyncApiSchema(value)]),
  );
  const { prefixItems, discriminator, ...rest } = converted;
  return {
    ...rest,
    ...(Array.isArray(prefixItems)
      ? {
          items: prefixItems,
          minItems: rest.minItems ?? prefixItems.length,
          maxItems: rest.maxItems ?? prefixItems.length,
        }
      : {}),
    ...(discriminator !== undefined
      ? { discriminator: (discriminator as { propertyName?: unknown }).propertyName ?? discriminator }
      : {}),
  };
}
