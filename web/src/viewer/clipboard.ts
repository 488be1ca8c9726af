// Copy text: the async Clipboard API where the page may use it, else a hidden textarea and execCommand (older
// browsers, and iframes without the clipboard-write permission).
export async function copyText(text: string, within: HTMLElement): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Denied (an iframe without clipboard-write, say): fall through.
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.readOnly = true;
  area.className = 'visually-hidden';
  within.append(area);
  area.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}

/** Offers `text` as a file download (a same-page blob: URL; nothing leaves the machine). */
export function downloadText(text: string, fileName: string, type: string, within: HTMLElement): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.className = 'visually-hidden';
  within.append(link);
  link.click();
  link.remove();
  // The download has started from the URL by now; free it a little later all the same.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
