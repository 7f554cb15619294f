/** A short, readable device description from a User-Agent header: "Chrome · Android", "Safari · iPad". */
export function describeUserAgent(ua: string): string {
  if (!ua) return '';
  const browser =
    /Edg\//.test(ua) ? 'Edge'
    : /MicroMessenger/i.test(ua) ? 'WeChat'
    : /(?:Chrome|CriOS|Chromium)\//.test(ua) ? 'Chrome'
    : /(?:Firefox|FxiOS)\//.test(ua) ? 'Firefox'
    : /Safari\//.test(ua) ? 'Safari'
    : '';
  const system =
    /iPad/.test(ua) ? 'iPad'
    : /iPhone/.test(ua) ? 'iPhone'
    : /Android/.test(ua) ? 'Android'
    : /HarmonyOS|OpenHarmony/.test(ua) ? 'HarmonyOS'
    : /Windows/.test(ua) ? 'Windows'
    : /Mac OS X|Macintosh/.test(ua) ? 'macOS'
    : /Linux/.test(ua) ? 'Linux'
    : '';
  const parts = [browser, system].filter(Boolean);
  return parts.length ? parts.join(' · ') : ua.slice(0, 60);
}
