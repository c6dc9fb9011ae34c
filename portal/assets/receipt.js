// The receipt page's print button (README.md#the-taxpayer-portal): no inline handlers under the
// portal's Content-Security-Policy, so the one line of behaviour lives here.
document.getElementById('print-receipt')?.addEventListener('click', () => window.print());
