import { useEnv } from '../../state/context.js';
import { wordsTranslator, type Locale } from '../../i18n/index.js';

/**
 * The call screens' words, in every locale. They load with the calls chunk; the entry's
 * catalogues (i18n/) hold only the call buttons' names and the words shown before the chunk is
 * loaded. Every locale has exactly these keys with the same `{placeholders}` (tested).
 */
const en = {
  incomingVideo: 'Incoming video call from {name}',
  incomingAudio: 'Incoming voice call from {name}',
  ringingHint: 'Ringing on all your devices',
  acceptVideo: 'Accept with video',
  acceptAudio: 'Accept audio only',
  accept: 'Accept',
  decline: 'Decline',
  callWith: 'Call with {name}',
  calling: 'Calling…',
  connecting: 'Connecting…',
  connected: 'Connected',
  duration: 'Call duration',
  reconnecting: 'Reconnecting…',
  poor: 'Poor connection: the picture or sound may break up.',
  controls: 'Call controls',
  mute: 'Mute microphone',
  cameraOff: 'Turn camera off',
  shareScreen: 'Share screen',
  shareNeedsVideo: 'Screen sharing needs a video call: this call sends no video.',
  devices: 'Choose microphone and camera',
  microphone: 'Microphone',
  camera: 'Camera',
  device: 'Device {n}',
  hangUp: 'Hang up',
  close: 'Close',
  yourVideo: 'Your video',
  theirVideo: 'Video of {name}',
  completed: 'Call ended · {duration}',
  declined: '{name} declined the call.',
  busy: '{name} is in another call.',
  noAnswer: 'No answer from {name}.',
  missed: 'You missed a call from {name}.',
  cancelled: 'Call cancelled.',
  failed: 'The call failed.',
  failedWhy: 'The call failed: {error}',
  movedElsewhere: 'The call goes on on another of your devices.',
  lost: 'The call was lost: the connection dropped.',
  denied: 'Camera or microphone access was denied. Allow it in your browser’s site settings, then try again.',
  noDevice: 'No camera or microphone was found.',
  deviceBusy: 'Your camera or microphone is in use by another app.',
  unsupported: 'Calls need a secure (https) page in a browser that supports them.',
  notCallable: 'You can’t call {name}.',
  inCall: 'You are already in a call.',
  notRinging: 'This call is no longer ringing.',
  rateLimited: 'Too many calls in a short time. Try again in a minute.',
  offline: 'You are offline. Try again when the connection is back.',
  otherError: 'Something went wrong: {error}',
  deviceFailed: 'That device could not be used: {error}',
  shareFailed: 'The screen could not be shared: {error}',
} as const;

/** A key of useCallText's words. */
export type CallText = keyof typeof en;

const zhCN: Record<CallText, string> = {
  incomingVideo: '{name} 邀请你视频通话',
  incomingAudio: '{name} 邀请你语音通话',
  ringingHint: '你的所有设备都在响铃',
  acceptVideo: '视频接听',
  acceptAudio: '仅语音接听',
  accept: '接听',
  decline: '拒绝',
  callWith: '与 {name} 通话',
  calling: '正在呼叫…',
  connecting: '正在连接…',
  connected: '已接通',
  duration: '通话时长',
  reconnecting: '正在重新连接…',
  poor: '网络不佳：画面或声音可能断续。',
  controls: '通话控制',
  mute: '麦克风静音',
  cameraOff: '关闭摄像头',
  shareScreen: '共享屏幕',
  shareNeedsVideo: '共享屏幕需要视频通话：本次通话没有发送视频。',
  devices: '选择麦克风和摄像头',
  microphone: '麦克风',
  camera: '摄像头',
  device: '设备 {n}',
  hangUp: '挂断',
  close: '关闭',
  yourVideo: '你的画面',
  theirVideo: '{name} 的画面',
  completed: '通话结束 · {duration}',
  declined: '{name} 拒绝了通话。',
  busy: '{name} 正在通话中。',
  noAnswer: '{name} 无人接听。',
  missed: '你错过了 {name} 的来电。',
  cancelled: '通话已取消。',
  failed: '通话失败。',
  failedWhy: '通话失败：{error}',
  movedElsewhere: '通话已在你的另一台设备上继续。',
  lost: '通话中断：连接已断开。',
  denied: '摄像头或麦克风权限被拒绝。请在浏览器的网站设置中允许后重试。',
  noDevice: '没有找到摄像头或麦克风。',
  deviceBusy: '摄像头或麦克风正被其他应用使用。',
  unsupported: '通话需要安全（https）页面和支持通话的浏览器。',
  notCallable: '你无法呼叫 {name}。',
  inCall: '你已经在通话中。',
  notRinging: '这个来电已不再响铃。',
  rateLimited: '短时间内呼叫次数过多，请一分钟后再试。',
  offline: '你已离线，请在连接恢复后重试。',
  otherError: '出错了：{error}',
  deviceFailed: '无法使用该设备：{error}',
  shareFailed: '无法共享屏幕：{error}',
};

/** The words by locale. */
export const CALL_STRINGS: Record<Locale, Record<CallText, string>> = { en, 'zh-CN': zhCN };

/** Translates these words in the widget's locale, filling `{name}` placeholders from `vars`. */
export type CallTranslate = (key: CallText, vars?: Record<string, string | number>) => string;

/** A translator for these words in the widget's locale (as the entry's `t` does). */
export function useCallText(): CallTranslate {
  const { locale } = useEnv();
  return wordsTranslator(CALL_STRINGS[locale]);
}
