/** Seconds as a person reads an ETA: `now`, `in 42 s`, `in 3 min 5 s`, `in 2 h 10 min`, `in 4 d 7 h`. */
export function formatDuration(sec: number | null): string {
  if (sec === null) return 'never';
  if (sec <= 0) return 'now';
  const s = Math.floor(sec);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `in ${d} d ${h} h`;
  if (h > 0) return `in ${h} h ${m} min`;
  if (m > 0) return `in ${m} min ${s % 60} s`;
  return `in ${s} s`;
}
