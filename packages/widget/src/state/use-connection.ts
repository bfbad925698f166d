import { useLayoutEffect, useState } from 'preact/hooks';
import type { ConnectionState } from '@quickchat/sdk';
import { reportOriginRefused } from '../util/errors.js';
import type { WidgetClient } from './widget-client.js';

/** The client's connection state, live. */
export function useConnectionState(client: WidgetClient): ConnectionState {
  const [state, setState] = useState(client.connectionState);
  useLayoutEffect(() => {
    setState(client.connectionState);
    return client.on('connectionStateChanged', ({ newState }) => setState(newState));
  }, [client]);
  return state;
}

/**
 * True once the client reported that the server refuses this page's origin (`origin_not_allowed`:
 * only the site owner can fix it, so it is also written to the console), until it connects.
 */
export function useOriginRefused(client: WidgetClient): boolean {
  const [refused, setRefused] = useState(false);
  useLayoutEffect(() => {
    const offError = client.on('error', ({ error }) => {
      if (error.code !== 'origin_not_allowed') return;
      reportOriginRefused();
      setRefused(true);
    });
    const offState = client.on('connectionStateChanged', ({ newState }) => newState === 'connected' && setRefused(false));
    return () => {
      offError();
      offState();
    };
  }, [client]);
  return refused;
}

/** Whether the browser reports a network (true where it cannot tell). */
export function useOnline(): boolean {
  const [online, setOnline] = useState(() => typeof navigator === 'undefined' || navigator.onLine !== false);
  useLayoutEffect(() => {
    const update = () => setOnline(navigator.onLine !== false);
    addEventListener('online', update);
    addEventListener('offline', update);
    return () => {
      removeEventListener('online', update);
      removeEventListener('offline', update);
    };
  }, []);
  return online;
}

/** Whether the page is visible (tab in front). */
export function usePageVisible(): boolean {
  const [visible, setVisible] = useState(() => typeof document === 'undefined' || document.visibilityState !== 'hidden');
  useLayoutEffect(() => {
    const update = () => setVisible(document.visibilityState !== 'hidden');
    document.addEventListener('visibilitychange', update);
    return () => document.removeEventListener('visibilitychange', update);
  }, []);
  return visible;
}
