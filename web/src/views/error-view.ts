// A failed open, in words: what the file is not, and the core's own message naming the offset.
import type { ReplyError } from '../protocol';
import { el } from './dom';

const HINTS: Record<string, string> = {
  'user-mode-minidump': 'This is a user-mode minidump (MDMP), written for a crashed program. kdmpview reads kernel crash dumps (MEMORY.DMP and kernel minidumps).',
  'not-a-dump': 'This file is not a Windows kernel crash dump.',
  'file-too-small': 'The file is too small to hold a crash dump header.',
  'unsupported-dump-type': 'This kind of dump is not supported yet.',
  'unknown-dump-type': 'The header names a dump type kdmpview does not know.',
  'wasm-load-failed': 'The viewer could not start its parser.',
  'source-failed': 'The dump could not be read from where it is (a server must answer HTTP range requests).',
  'worker-failed': 'The viewer\'s parser stopped unexpectedly.',
};

export function renderError(name: string, error: ReplyError): HTMLElement {
  return el('div', { className: 'error-box' }, [
    el('h2', { text: `Could not open ${name}` }),
    el('p', { text: HINTS[error.code] ?? 'The dump could not be read.' }),
    el('p', { className: 'error-detail' }, [
      el('code', { className: 'error-code', text: error.code, data: { code: error.code } }),
      document.createTextNode(' '),
      el('span', { className: 'error-message', text: error.message }),
    ]),
  ]);
}
