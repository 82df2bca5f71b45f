import type { DocumentReader } from '../domain/addon-configuration.js';

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The reader for an add-on's `configurationValues`: JSON for an empty or JSON document (what the console and most
 * tools write), a YAML parser (loaded on first need) otherwise, since EKS accepts either (DescribeAddon returns it
 * as given).
 */
export async function documentReaderFor(configurationValues: string | undefined): Promise<DocumentReader> {
  if (configurationValues === undefined || configurationValues.trim() === '' || isJson(configurationValues))
    return JSON.parse;
  const { parse } = await import('yaml');
  return (text) => parse(text);
}
