// Your own file (not an inline script), so the page also works under a strict CSP.
QuickChat.mount('#chat', {
  url: 'http://localhost:8787', // the quickchat server
  auth: { mode: 'builtin' }, // the widget's own sign-in and register screens
  layout: 'launcher', // a floating button that opens the chat panel
});
