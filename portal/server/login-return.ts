// Where a login goes back to (README.md#the-taxpayer-portal): a page whose session ended sends the
// taxpayer to /login?next=<that page>, and the login lands there again instead of on the home page
// — the payment form then puts back what was typed (pay.js). Only the portal's own pages are named:
// anything else (another host, `//evil.example`, a backslash browsers read as a slash, a script
// URL) is the home page, so the login form cannot be used to send a taxpayer elsewhere.
const OWN_PAGE = /^\/(?:pay(?:\?retry=[0-9A-Z]{26})?|cases\/[0-9A-Z]{26}(?:\/receipt)?)$/;

/** The page to land on after logging in: `next` when it is one of the portal's pages, else `/`. */
export function loginReturn(next: unknown): string {
  return typeof next === 'string' && OWN_PAGE.test(next) ? next : '/';
}
