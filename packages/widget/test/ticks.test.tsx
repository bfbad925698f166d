// @vitest-environment happy-dom
import { cleanup, render } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryState } from '@quickchat/sdk';
import { Ticks } from '../src/components/ticks.js';
import { EnvContext } from '../src/state/context.js';
import { testEnv } from './support/render.js';

afterEach(cleanup);

const STATES: DeliveryState[] = ['pending', 'sent', 'delivered', 'read', 'failed'];

function tick(state: DeliveryState, locale = 'en') {
  const { container } = render(
    <EnvContext.Provider value={testEnv({ locale })}>
      <Ticks state={state} />
    </EnvContext.Provider>,
  );
  return container.querySelector<HTMLElement>('.qc-tick')!;
}

describe('delivery ticks', () => {
  it.each([
    ['en', ['Sending', 'Sent', 'Delivered', 'Read', 'Not sent']],
    ['zh-CN', ['发送中', '已发送', '已送达', '已读', '发送失败']],
  ])('say their state in words (%s): an image with a label and a tooltip', (locale, words) => {
    const ticks = STATES.map((s) => tick(s, locale));
    expect(ticks.map((t) => t.getAttribute('role'))).toEqual(STATES.map(() => 'img'));
    expect(ticks.map((t) => t.getAttribute('aria-label'))).toEqual(words);
    expect(ticks.map((t) => t.getAttribute('title'))).toEqual(words);
  });

  it('look different in every state without colour: one check, two checks, two checks on a filled pill', () => {
    const shapes = STATES.map((s) => tick(s).innerHTML);
    expect(new Set(shapes).size).toBe(STATES.length);
    expect([tick('sent').textContent, tick('delivered').textContent, tick('read').textContent]).toEqual(['✓', '✓✓', '✓✓']);
    expect(tick('read').querySelector('.qc-tick-fill')?.textContent).toBe('✓✓');
    expect(tick('delivered').querySelector('.qc-tick-fill')).toBeNull();
  });
});
