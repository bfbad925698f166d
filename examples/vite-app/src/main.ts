import { mount } from '@quickchat/widget';
import './style.css';

/** The quickchat server: set `VITE_QUICKCHAT_URL` (e.g. in `.env.local`) to use another one. */
const url = import.meta.env.VITE_QUICKCHAT_URL || 'http://localhost:8787';

const status = document.querySelector<HTMLElement>('#status')!;
const unread = document.querySelector<HTMLElement>('#unread')!;

function showUnread(count: number): void {
  unread.dataset.count = String(count);
  unread.textContent = count === 0 ? 'No unread messages' : `${count} unread message${count === 1 ? '' : 's'}`;
}

const chat = mount('#chat', {
  url,
  auth: { mode: 'builtin' }, // the widget's own sign-in and register screens
  layout: 'inline', // fills #chat instead of floating in a corner
  onReady: () => {
    status.textContent = 'Signed in';
  },
  onUnreadChange: showUnread,
  onSignOut: () => {
    status.textContent = 'Not signed in';
    showUnread(0);
  },
});

// Dev server: on a hot update of this file, remove the old widget before the new code mounts one.
if (import.meta.hot) {
  import.meta.hot.accept();
  import.meta.hot.dispose(() => chat.unmount());
}
