/**
 * The headers of a page whose URL is a credential (a task link, an acknowledgement link): keep the
 * token out of Referer headers, caches and frames, and let the page run no script.
 */
export const LINK_PAGE_HEADERS = {
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
};
