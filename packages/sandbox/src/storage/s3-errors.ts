/**
 * An S3-style XML error answer (api.md §5.2): the object store's one exception to the JSON
 * envelope.
 *
 * @example
 * return s3Error(403, 'AccessDenied', 'Request has expired', requestId);
 */
export function s3Error(
  status: number,
  code: string,
  message: string,
  requestId: string,
  headers: Record<string, string> = {},
): Response {
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message>` +
    `<RequestId>${escapeXml(requestId)}</RequestId></Error>`;
  return new Response(body, {
    status,
    headers: { 'Content-Type': 'application/xml', ...headers },
  });
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
