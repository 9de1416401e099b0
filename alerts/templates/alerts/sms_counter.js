// SMS length as alerts/sms.py computes it: GSM-7 (160, or 153 per segment) unless one character is not
// in GSM-7, then UCS-2 (70, or 67 per segment); extension characters take two septets, surrogate pairs
// two units, and neither is split across segments.
const GSM7_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM7_EXTENSION = "^{}\\[~]|€\f";
function smsSegments(units, single, multi) {
  const total = units.reduce((a, b) => a + b, 0);
  if (total <= single) return [total ? 1 : 0, single - total];
  let segments = 1, used = 0;
  for (const w of units) { if (used + w > multi) { segments += 1; used = 0; } used += w; }
  return [segments, multi - used];
}
function smsLength(text) {
  const chars = Array.from(text);
  const nonGsm = [...new Set(chars.filter((c) => !GSM7_BASIC.includes(c) && !GSM7_EXTENSION.includes(c)))];
  if (!nonGsm.length) {
    const units = chars.map((c) => (GSM7_EXTENSION.includes(c) ? 2 : 1));
    const [segments, remaining] = smsSegments(units, 160, 153);
    return {encoding: "GSM-7", length: units.reduce((a, b) => a + b, 0), segments, remaining, non_gsm: []};
  }
  const units = chars.map((c) => (c.codePointAt(0) > 0xffff ? 2 : 1));
  const [segments, remaining] = smsSegments(units, 70, 67);
  return {encoding: "UCS-2", length: units.reduce((a, b) => a + b, 0), segments, remaining, non_gsm: nonGsm};
}
