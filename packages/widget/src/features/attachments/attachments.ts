/**
 * The attachments' lazily loaded part (see `lazy.tsx`; in the script-tag build the file
 * `quickchat-widget-attachments-<hash>.js`): a message's files with their previews, cards and
 * lightbox, the upload tray, and the upload controller. What must run before it loads (collecting
 * files from an event, which has to happen while the event lasts, and the previews' reserved
 * boxes) stays outside it.
 */
export { Attachments } from './files.js';
export { UploadTray } from './upload-tray.js';
export { UploadQueue } from './upload-queue.js';
