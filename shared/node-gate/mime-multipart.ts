/** One part of a MIME multipart user data document. */
export interface MimePart {
  /** Full Content-Type header value, e.g. `text/x-shellscript; charset="us-ascii"`. */
  readonly contentType: string;
  readonly body: string;
}

/** Boundary of every rendered document; a body containing it would end its part early. */
export const USER_DATA_BOUNDARY = '==CAPACITY-GUARD-BOUNDARY==';

/** A part's body contains the boundary delimiter; the document would be cut there. */
export class MimeBoundaryClashError extends Error {
  override readonly name = 'MimeBoundaryClashError';
}

/**
 * Renders a `multipart/mixed` document as cloud-init and nodeadm read it (RFC 2046 framing: `--boundary`
 * before each part, `--boundary--` at the end, a blank line between a part's headers and its body).
 *
 * @example
 * renderMultipart([{ contentType: 'text/x-shellscript', body: '#!/bin/bash\necho hi\n' }]);
 * // 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="==CAPACITY-GUARD-BOUNDARY=="\n\n--==…'
 */
export function renderMultipart(parts: readonly MimePart[]): string {
  const delimiter = `--${USER_DATA_BOUNDARY}`;
  const lines = ['MIME-Version: 1.0', `Content-Type: multipart/mixed; boundary="${USER_DATA_BOUNDARY}"`, ''];
  for (const part of parts) {
    if (part.body.includes(delimiter)) {
      throw new MimeBoundaryClashError(`a ${part.contentType} part contains the boundary ${delimiter}`);
    }
    lines.push(delimiter, `Content-Type: ${part.contentType}`, '', part.body.replace(/\n*$/, ''), '');
  }
  lines.push(`${delimiter}--`, '');
  return lines.join('\n');
}
