/**
 * The dashboard: one self-contained page (no framework, nothing fetched but `/api/state`, so it works on a
 * machine without internet access). Every value is written with `textContent`, never as HTML: position data
 * comes from a subgraph the keeper does not control.
 */
export const dashboardPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>dex223-keeper</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 16px 24px; color: #1d2330; background: #f6f7f9; }
  h1 { font-size: 20px; margin: 0 0 4px; }
  h2 { font-size: 15px; margin: 18px 0 6px; }
  .cards { display: flex; flex-wrap: wrap; gap: 10px; }
  .card { background: #fff; border: 1px solid #d8dce3; border-radius: 6px; padding: 8px 12px; min-width: 120px; }
  .card b { display: block; font-size: 18px; }
  table { border-collapse: collapse; background: #fff; width: 100%; }
  th, td { border: 1px solid #d8dce3; padding: 3px 8px; text-align: left; font-variant-numeric: tabular-nums; }
  th { background: #eceff4; }
  .ok { color: #17803d; } .bad { color: #b42318; } .muted { color: #6b7280; }
  .liquidatable, .frozen { background: #fdecea; }
</style>
</head>
<body>
<h1>dex223-keeper</h1>
<div id="status" class="muted">loading…</div>
<div class="cards" id="cards"></div>
<h2>Positions nearest to liquidation</h2>
<table id="at-risk"><thead><tr><th>position</th><th>order</th><th>state</th><th>ETA</th><th>at (UTC)</th><th>reward (ETH)</th><th>debt (base units)</th><th>value (base units)</th></tr></thead><tbody></tbody></table>
<h2>In flight</h2>
<table id="in-flight"><thead><tr><th>position</th><th>action</th><th>sender</th><th>sent at block</th><th>last target block</th></tr></thead><tbody></tbody></table>
<h2>Recent outcomes</h2>
<table id="recent"><thead><tr><th>position</th><th>action</th><th>outcome</th><th>block</th><th>reward (ETH)</th><th>gas (ETH)</th><th>detail</th></tr></thead><tbody></tbody></table>
<script>
'use strict';
function eth(wei) {
  if (wei === null || wei === undefined) return 'n/a';
  var v = BigInt(wei), neg = v < 0n; if (neg) v = -v;
  var whole = v / 10n ** 18n, frac = (v % 10n ** 18n).toString().padStart(18, '0').slice(0, 6);
  return (neg ? '-' : '') + whole.toString() + '.' + frac;
}
function duration(sec) {
  if (sec === null) return 'never';
  if (sec <= 0) return 'now';
  var d = Math.floor(sec / 86400), h = Math.floor(sec % 86400 / 3600), m = Math.floor(sec % 3600 / 60);
  if (d > 0) return 'in ' + d + ' d ' + h + ' h';
  if (h > 0) return 'in ' + h + ' h ' + m + ' min';
  if (m > 0) return 'in ' + m + ' min ' + (sec % 60) + ' s';
  return 'in ' + sec + ' s';
}
function utc(sec) { return sec === null ? '' : new Date(Number(sec) * 1000).toISOString().replace('T', ' ').slice(0, 19); }
function fill(id, rows, cells, empty) {
  var body = document.querySelector('#' + id + ' tbody');
  body.replaceChildren();
  if (rows.length === 0) {
    var tr = body.insertRow(), td = tr.insertCell();
    td.colSpan = 9; td.className = 'muted'; td.textContent = empty; return;
  }
  rows.forEach(function (row) {
    var tr = body.insertRow();
    if (row.state) tr.className = row.state;
    cells(row).forEach(function (text) { tr.insertCell().textContent = String(text); });
  });
}
function card(label, value, cls) {
  var div = document.createElement('div'); div.className = 'card';
  var b = document.createElement('b'); b.textContent = value; if (cls) b.className = cls;
  div.append(label, b); return div;
}
function render(s) {
  var h = s.health, b = s.block, e = s.earnings;
  var status = document.getElementById('status');
  status.textContent = 'health: ' + h.status + (h.reason ? ' (' + h.reason + ')' : '') + ' · updated ' + s.generatedAt;
  status.className = h.status === 'ok' ? 'ok' : 'bad';
  document.getElementById('cards').replaceChildren(
    card('head block', b ? String(b.head) : '–'),
    card('subgraph lag', b && b.lagBlocks !== null ? b.lagBlocks + ' blocks' : (b && b.notActing ? 'not acting' : '–'), b && b.notActing ? 'bad' : ''),
    card('tracked', b && b.tracked !== null ? String(b.tracked) : '–'),
    card('at risk', b && b.atRisk !== null ? String(b.atRisk) : '–'),
    card('valued on chain', b && b.unvalued !== null ? String(b.unvalued) : '–'),
    card('in flight', String(s.inFlight.length)),
    card('liquidations', String(e.liquidations)),
    card('earned (ETH)', eth(e.rewardWei)),
    card('gas (ETH)', eth(e.gasSpentWei)),
    card('profit (ETH)', eth(e.profitWei), BigInt(e.profitWei) < 0n ? 'bad' : 'ok'),
    card('sent / included / reverted', e.dryRun ? 'dry run' : e.sent + ' / ' + e.included + ' / ' + e.reverted)
  );
  // The ten nearest fit a screen with the rest; /api/state has more.
  fill('at-risk', s.atRisk.slice(0, 10), function (r) {
    return [r.positionId, r.orderId, r.state, duration(r.etaSec), utc(r.liquidatableAtSec), eth(r.rewardWei), r.debt === null ? 'on chain' : r.debt, r.value === null ? 'on chain' : r.value];
  }, b && b.unvalued ? 'no position is heading for liquidation among those valued in-process; ' + b.unvalued + ' valued on chain each block (no ETA) are listed once liquidatable' : 'no position is heading for liquidation');
  fill('in-flight', s.inFlight, function (r) {
    return [r.positionId, r.kind, r.sender, r.sentAtBlock, r.lastTargetBlock];
  }, 'nothing in flight');
  fill('recent', s.recent, function (r) {
    return [r.positionId, r.kind, r.outcome, r.blockNumber === null ? '' : r.blockNumber, r.rewardWei === null ? '' : eth(r.rewardWei), eth(r.gasCostWei), r.detail];
  }, 'no outcome yet');
  document.body.dataset.head = b ? String(b.head) : '';
}
function poll() {
  fetch('api/state', { cache: 'no-store' })
    .then(function (r) { return r.json(); })
    .then(render)
    .catch(function (err) {
      var status = document.getElementById('status');
      status.textContent = 'keeper unreachable: ' + err; status.className = 'bad';
    })
    .finally(function () { setTimeout(poll, 2000); });
}
poll();
</script>
</body>
</html>
`;
