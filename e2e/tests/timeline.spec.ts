/**
 * Issue 9, item 15: the reconnect timeline shows small delays distinctly. Under the default 5 s cap a linear
 * scale drew every delay under ~0.9 s as the same 2-px line; the log scale fitted to the shown delays gives each
 * its own height, in the delays' order, with labelled ticks. `seed` fixes the page's jitter draws (seed 28: four
 * delays under 0.9 s, each at least 25 % apart), so the test is deterministic.
 */
import { expect, test } from '../fixtures'

const DROPS = 4

test('small delays under a 5 s cap get distinct heights, ordered as the delays, with labelled ticks', async ({
  playground,
}) => {
  test.setTimeout(60_000) // four real drops and reconnects: Firefox on a loaded 2-core machine has taken 19 s
  await playground.open({ channels: ['ticker'], initialDelayMs: 100, maxDelayMs: 5000, resetAfterMs: 60_000, seed: 28 })
  await expect(playground.field('ticker', 'state')).toHaveText('open')
  for (let i = 1; i <= DROPS; i++) {
    await playground.page.getByTestId('fault-drop').click()
    await expect(playground.field('ticker', 'reconnect')).toHaveCount(i)
    await expect(playground.field('ticker', 'state')).toHaveText('open')
  }

  const bars = await playground.field('ticker', 'reconnect').evaluateAll((lis) =>
    lis.map((li) => ({
      delay: Number(li.getAttribute('data-delay-ms')),
      height: li.querySelector('.timeline-fill')!.getBoundingClientRect().height,
      plot: li.getBoundingClientRect().height,
    })),
  )
  expect(bars).toHaveLength(DROPS)
  for (const bar of bars) {
    expect(bar.delay).toBeLessThan(900) // the range the linear scale flattened
    expect(bar.height).toBeGreaterThanOrEqual(2)
    expect(bar.height).toBeLessThan(bar.plot * 0.8) // well under the cap line
  }
  expect(new Set(bars.map((b) => b.delay)).size).toBeGreaterThanOrEqual(3)
  // Heights follow the delays: a delay 15 % longer is at least 3 px taller; equal delays, equal heights.
  for (const a of bars) {
    for (const b of bars) {
      if (b.delay >= a.delay * 1.15)
        expect(b.height - a.height, `${a.delay} ms vs ${b.delay} ms`).toBeGreaterThanOrEqual(3)
      if (b.delay === a.delay) expect(Math.abs(b.height - a.height)).toBeLessThan(0.5)
    }
  }

  // Labelled ticks: one per decade in range, and the cap at the top.
  const ticks = await playground.field('ticker', 'timeline-tick').allTextContents()
  expect(ticks).toContain('cap 5.0 s')
  expect(ticks).toContain('100 ms')
  expect(ticks).toContain('1.0 s')
})
