export interface ParsedPart {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface ParsedMultipart {
  readonly headers: Readonly<Record<string, string>>;
  readonly boundary: string;
  readonly parts: readonly ParsedPart[];
  /** Text after the closing delimiter. */
  readonly epilogue: string;
}

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** A strict reading of a multipart/mixed document, independent of the renderer under test. */
export function parseMultipart(document: string): ParsedMultipart {
  const headerEnd = document.indexOf('\n\n');
  if (headerEnd < 0) throw new Error('no blank line after the top-level headers');
  const headers = parseHeaders(document.slice(0, headerEnd));
  const boundary = /boundary="([^"]+)"/.exec(headers['content-type'] ?? '')?.[1];
  if (!boundary) throw new Error('no boundary parameter');
  const closing = `\n--${boundary}--`;
  const end = document.indexOf(closing);
  if (end < 0) throw new Error('no closing delimiter');
  const body = document.slice(headerEnd + 1, end);
  const chunks = body.split(`\n--${boundary}\n`).slice(1);
  const parts = chunks.map((chunk) => {
    const split = chunk.indexOf('\n\n');
    if (split < 0) throw new Error('a part has no blank line after its headers');
    return { headers: parseHeaders(chunk.slice(0, split)), body: chunk.slice(split + 2) };
  });
  return { headers, boundary, parts, epilogue: document.slice(end + closing.length) };
}
