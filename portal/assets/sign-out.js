// 退出 on a shared computer (README.md#the-taxpayer-portal): what this tab keeps of a taxpayer goes
// with the session. The payment form keeps what was typed in sessionStorage (pay-draft.js) across
// an ended session and while a 确认缴款 awaits its answer; a taxpayer who then pressed 退出 left the
// enterprise's form — agreement, bank account, amounts — for whoever used the tab next. The
// server's logout cannot reach a tab's storage, so the sign-out form clears it as it is sent: all
// of it, this origin's storage being the signed-in taxpayer's only (nothing in it outlives a login).
for (const form of document.querySelectorAll('form.logout')) {
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
