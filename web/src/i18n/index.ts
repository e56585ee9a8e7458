/**
 * The language signal and t(). Chinese unless the person chose English
 * (kept in localStorage, so the choice survives sign-out and new tabs).
 */
import { signal } from '@preact/signals';
import { en } from './en.ts';
import { fillMessage } from './format.ts';
import { zh, type MessageKey, type Messages } from './zh.ts';

export type Lang = 'zh' | 'en';
export type { MessageKey };

const STORAGE_KEY = 'console.lang';
const DICTIONARIES: Record<Lang, Messages> = { zh, en };

function initialLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    // Storage can be refused (privacy settings): fall back to the default.
    return 'zh';
  }
}

export const lang = signal<Lang>(initialLang());

export function setLang(next: Lang): void {
  lang.value = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Not persisted, but the switch still applies to this page.
  }
}

/** The BCP 47 tag for <html lang> and Intl formatting. */
export const locale = (l: Lang = lang.value) => (l === 'zh' ? 'zh-CN' : 'en-GB');

const PLURAL_RULES: Record<Lang, Intl.PluralRules> = { zh: new Intl.PluralRules('zh-CN'), en: new Intl.PluralRules('en-GB') };

export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  return fillMessage(DICTIONARIES[lang.value][key], vars, PLURAL_RULES[lang.value]);
}

/** Items read as one list: 四川、重庆 in Chinese, Sichuan, Chongqing in English. */
export const listText = (items: readonly string[]) => items.join(t('app.listSeparator'));

/** A name given in both languages (catalog entries, provinces). */
export const pick = (named: { zh: string; en: string }) => named[lang.value];

export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/** An amount in yuan: 20,000 元 in Chinese, CNY 20,000 in English (¥ alone also reads as yen). */
export const formatYuan = (n: number): string => t('app.yuan', { amount: formatNumber(n) });

export function formatNumber(n: number, digits = 0): string {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(n);
}
