/// <reference lib="dom" />
/**
 * Accessibility checks of a page in the browser: axe-core's rules (serious and critical violations
 * fail), and every enabled control of the page's main content reachable with the Tab key.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/** The serious and critical axe violations of the page: `rule: target, target...` lines. */
export const seriousViolations = async (page: Page): Promise<string[]> => {
  // A hovered button shows its hover colour: check the page at rest.
  await page.mouse.move(0, 0);
  const results = await new AxeBuilder({ page }).include('main').analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.nodes
          .map((node) => `${node.html.slice(0, 160)} ${node.failureSummary ?? ''}`)
          .join(' | ')}`
    );
};

const CONTROLS = [
  'a[href]',
  'button',
  'input:not([type=hidden])',
  'textarea',
  'select',
  '[role=combobox]',
  '[role=switch]',
  '[role=checkbox]',
  '[role=radio]',
  '[role=tab]',
].join(',');

/**
 * The enabled, visible controls of `main` that the Tab key never reaches (by their accessible text).
 * A radio group or a tab list counts once: Tab reaches one of its items, the arrow keys the others.
 */
export const unreachableByKeyboard = async (page: Page): Promise<string[]> => {
  const count = await page.evaluate((selector) => {
    const main = document.querySelector('main') ?? document.body;
    const controls = Array.from(main.querySelectorAll<HTMLElement>(selector)).filter((element) => {
      const style = getComputedStyle(element);
      const box = element.getBoundingClientRect();
      return (
        !element.matches(':disabled,[aria-disabled=true],[data-disabled]') &&
        element.tabIndex !== -1 &&
        style.visibility !== 'hidden' &&
        box.width > 0 &&
        box.height > 0 &&
        !element.closest('[aria-hidden=true]')
      );
    });
    const groups = new Map<Element, string>();
    controls.forEach((element, index) => {
      const group = element.closest('[role=radiogroup],[role=tablist]');
      const key = group ? (groups.get(group) ?? `group-${groups.size}`) : `control-${index}`;
      if (group) groups.set(group, key);
      element.dataset.kbKey = key;
      element.dataset.kbName =
        element.getAttribute('aria-label') ?? element.textContent?.trim() ?? element.tagName;
    });
    (document.activeElement as HTMLElement | null)?.blur();
    return controls.length;
  }, CONTROLS);
  const reached = new Set<string>();
  for (let i = 0; i < count * 2 + 40; i += 1) {
    await page.keyboard.press('Tab');
    const key = await page.evaluate(
      () =>
        (document.activeElement as HTMLElement | null)?.closest<HTMLElement>('[data-kb-key]')
          ?.dataset.kbKey
    );
    if (key) reached.add(key);
  }
  return page.evaluate(
    (seen) =>
      Array.from(document.querySelectorAll<HTMLElement>('[data-kb-key]'))
        .filter((element) => !seen.includes(element.dataset.kbKey!))
        .map((element) => element.dataset.kbName!),
    [...reached]
  );
};
