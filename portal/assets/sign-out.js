// 退出 on a shared computer (README.md#the-taxpayer-portal): what this tab keeps of a taxpayer goes
// with the session. The payment form keeps what was typed in sessionStorage (pay-draft.js) across
// an ended session and while a 确认缴款 awaits its answer; a taxpayer who then pressed 退出 left the
// enterprise's form — agreement, bank account, amounts — for whoever used the tab next. The
// sign-out form clears this tab's storage as it is sent: all of it, this origin's storage being
// the signed-in taxpayer's only (nothing in it outlives a login). The server's answer clears every
// tab's storage (Clear-Site-Data, login-routes.ts), for browsers that honour it.
//
// The taxpayer's other open tabs still showed the pages they held — the cases, a typed payment
// form, whose 确认缴款 then kept the form in that tab's storage again. So a sign-out is told to
// the portal's other tabs, and each signed-in page leaves for the login page at once (replacing
// itself in the tab's history: back does not bring it again). The login page has nothing to leave.
//
// Only a sign-out that happened is told: one refused (a stale page's CSRF token answers 403) left
// the session alive, yet the other tabs, told as 退出 was pressed, had gone to the login page. So
// the server's answer to a sign-out that ended the session sends to `/login?signed-out`
// (login-routes.ts), and the login page so reached tells the other tabs, then drops the marker
// from its address (a reload tells nobody again). Only when a page of the portal sent it there:
// another site's link to /login?signed-out (no referrer from this origin) tells nothing.
const channel =
  typeof BroadcastChannel === 'function' ? new BroadcastChannel('portal-sign-out') : undefined;
const forms = document.querySelectorAll('form.logout');
/** The login page's query marker when a sign-out's answer sent it there (login-routes.ts). */
const SIGNED_OUT_MARKER = 'signed-out';

for (const form of forms) {
  form.addEventListener('submit', () => {
    for (const storage of ['sessionStorage', 'localStorage']) {
      try {
        window[storage].clear();
      } catch {
        // Storage the browser refuses holds nothing to clear.
      }
    }
  });
}

const reached = new URL(location.href);
if (reached.pathname === '/login' && reached.searchParams.has(SIGNED_OUT_MARKER)) {
  reached.searchParams.delete(SIGNED_OUT_MARKER);
  history.replaceState(history.state, '', reached.pathname + reached.search + reached.hash);
  if (sentFromPortal()) channel?.postMessage('signed-out');
}

/** Whether a page of this origin sent this one here (Referrer-Policy: same-origin). */
function sentFromPortal() {
  try {
    return new URL(document.referrer).origin === location.origin;
  } catch {
    return false; // no referrer
  }
}

if (channel && forms.length > 0) {
  channel.addEventListener('message', () => {
    location.replace('/login');
  });
}
