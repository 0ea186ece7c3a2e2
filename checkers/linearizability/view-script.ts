/**
 * The counterexample view's inline script (no network, no library): zoom and
 * pan on the time axis, and stepping through the longest linearization with
 * the state after each step. The page is complete without it (bars are placed
 * when rendered); the script only re-places them for a new range.
 *
 * Its root is the `.cx` element it sits in, so several views can share a page.
 */
export const VIEW_SCRIPT = String.raw`(function (root) {
  if (!root) return;
  var data = JSON.parse(root.querySelector('script.cx-data').textContent);
  var plot = root.querySelector('.plot');
  var axis = root.querySelector('.axis');
  var range = root.querySelector('.range');
  var stepBox = root.querySelector('.step');
  var bars = Array.prototype.slice.call(root.querySelectorAll('.op'));
  var faults = Array.prototype.slice.call(root.querySelectorAll('.fault'));
  var lo = data.lo, hi = data.hi, span0 = Math.max(hi - lo, 1e-12);
  var v0 = lo, v1 = hi;
  var byId = {};
  bars.forEach(function (b) { byId[b.getAttribute('data-id')] = b; });

  function fmt(t, step) {
    if (data.unit !== 's') return String(Math.round(t));
    var d = Math.max(0, Math.min(6, Math.ceil(-Math.log10(step))));
    return t.toFixed(d) + ' s';
  }
  function nice(raw) {
    var mag = Math.pow(10, Math.floor(Math.log10(raw))), n = raw / mag;
    return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag;
  }
  function place(el, a, b) {
    var w = v1 - v0;
    var end = b === null || b === undefined ? Math.max(v1, hi) + w : b;
    el.style.left = ((a - v0) / w * 100) + '%';
    el.style.width = Math.max(0, (end - a) / w * 100) + '%';
  }
  function layout() {
    bars.forEach(function (b) {
      var r = b.getAttribute('data-ret');
      place(b, +b.getAttribute('data-call'), r === '' ? null : +r);
    });
    faults.forEach(function (f) {
      place(f, +f.getAttribute('data-start'), +f.getAttribute('data-end'));
      // A window that starts left of the view keeps its words in sight.
      f.style.paddingLeft = Math.max(4, -f.offsetLeft + 4) + 'px';
    });
    callouts();
    var step = nice((v1 - v0) / 8), html = '';
    if (data.unit !== 's') step = Math.max(1, step);
    for (var t = Math.ceil(v0 / step) * step; t <= v1; t += step) {
      html += '<div class="tick" style="left:' + ((t - v0) / (v1 - v0) * 100) + '%">' + fmt(t, step) + '</div>';
    }
    axis.innerHTML = html;
    range.textContent = fmt(v0, (v1 - v0) / 100) + ' to ' + fmt(v1, (v1 - v0) / 100);
  }
  // A bar too narrow for its words gets them beside it, in the free space up to
  // the next bar of its row only: a label never covers another operation.
  var rows = Array.prototype.slice.call(root.querySelectorAll('.row'));
  var notes = Array.prototype.slice.call(root.querySelectorAll('.keynote'));
  function callouts() {
    var width = plot.getBoundingClientRect().width;
    // The marked operations' words, on their rows' second line: each starts under its bar
    // (kept in sight) and stops before the next one.
    notes.forEach(function (n) {
      n.style.maxWidth = 'none';
      var natural = n.scrollWidth;
      n.style.left = Math.max(2, Math.min(width - natural - 4, ((+n.getAttribute('data-call') - v0) / (v1 - v0)) * width)) + 'px';
    });
    rows.forEach(function (row) {
      var ns = Array.prototype.slice.call(row.querySelectorAll('.keynote'));
      ns.sort(function (a, b) { return a.offsetLeft - b.offsetLeft; });
      ns.forEach(function (n, i) {
        var next = i + 1 < ns.length ? ns[i + 1].offsetLeft - 8 : width;
        n.style.maxWidth = Math.max(16, next - n.offsetLeft) + 'px';
      });
    });
    rows.forEach(function (row) {
      Array.prototype.slice.call(row.querySelectorAll('.callout')).forEach(function (c) { c.remove(); });
      var items = Array.prototype.slice.call(row.querySelectorAll('.op')).map(function (b) {
        return { b: b, left: b.offsetLeft, right: b.offsetLeft + b.offsetWidth };
      }).filter(function (it) { return it.right > 0 && it.left < width; });
      items.sort(function (a, b) { return a.left - b.left; });
      items.forEach(function (it, i) {
        if (it.b.classList.contains('key') || it.b.scrollWidth <= it.b.clientWidth + 1) return;
        var next = i + 1 < items.length ? items[i + 1].left : width;
        var room = Math.min(next, width) - it.right - 6;
        if (room < 28) return;
        var c = document.createElement('div');
        c.className = 'callout' + (it.b.classList.contains('key') ? ' keyword' : '');
        c.textContent = it.b.getAttribute('data-label');
        c.style.left = (it.right + 3) + 'px';
        c.style.maxWidth = room + 'px';
        row.appendChild(c);
      });
    });
  }
  function show(a, b) {
    var w = Math.max(b - a, span0 / 1e6);
    v0 = a; v1 = a + w;
    layout();
  }
  function zoom(f, at) {
    var c = at === undefined ? (v0 + v1) / 2 : at;
    var w = Math.min(span0 * 1.5, Math.max(span0 / 1e6, (v1 - v0) / f));
    var k = (c - v0) / (v1 - v0);
    show(c - k * w, c - k * w + w);
  }
  function reveal(el) {
    if (!el) return;
    var a = +el.getAttribute('data-call'), r = el.getAttribute('data-ret'), b = r === '' ? a : +r;
    if (a >= v0 && b <= v1) return;
    var w = v1 - v0;
    show((a + b) / 2 - w / 2, (a + b) / 2 + w / 2);
  }

  var cur = data.steps.length;
  function setStep(k, quiet) {
    cur = Math.max(0, Math.min(data.steps.length, k));
    var done = data.stepsBefore + cur;
    bars.forEach(function (b) {
      var n = +(b.getAttribute('data-n') || 0);
      if (!n) return;
      b.classList.toggle('lin', n <= done);
      b.classList.toggle('later', n > done);
      b.classList.toggle('cur', n === done);
    });
    var s = cur > 0 ? data.steps[cur - 1] : null;
    var text;
    if (!s) text = data.stepsBefore > 0
      ? 'After step ' + data.stepsBefore + ' (before this window): state ' + data.startState + '.'
      : 'Before the first step: the state is ' + data.startState + '.';
    else text = 'Step ' + done + ' of ' + (data.stepsBefore + data.steps.length) + ': ' + s.text + ', state after: ' + s.state + '.' + (byId[s.id] ? '' : ' (outside this window)');
    if (cur === data.steps.length && data.endText) text += ' ' + data.endText;
    stepBox.textContent = text;
    if (s && !quiet) reveal(byId[s.id]);
  }

  root.addEventListener('click', function (e) {
    var act = e.target && e.target.getAttribute && e.target.getAttribute('data-act');
    if (!act) return;
    if (act === 'in') zoom(2);
    else if (act === 'out') zoom(0.5);
    else if (act === 'focus') show(data.focus[0], data.focus[1]);
    else if (act === 'all') show(lo, hi);
    else if (act === 'first') setStep(0);
    else if (act === 'prev') setStep(cur - 1);
    else if (act === 'next') setStep(cur + 1);
    else if (act === 'last') setStep(data.steps.length);
  });
  root.addEventListener('keydown', function (e) {
    if (e.key === 'ArrowLeft') setStep(cur - 1);
    else if (e.key === 'ArrowRight') setStep(cur + 1);
    else if (e.key === '+' || e.key === '=') zoom(2);
    else if (e.key === '-') zoom(0.5);
    else return;
    e.preventDefault();
  });
  plot.addEventListener('wheel', function (e) {
    if (!e.ctrlKey && !e.metaKey && !e.altKey) return;
    e.preventDefault();
    var r = plot.getBoundingClientRect();
    zoom(e.deltaY < 0 ? 1.25 : 0.8, v0 + (e.clientX - r.left) / r.width * (v1 - v0));
  }, { passive: false });
  var drag = null;
  plot.addEventListener('mousedown', function (e) { drag = { x: e.clientX, v0: v0, v1: v1 }; plot.style.cursor = 'grabbing'; });
  window.addEventListener('mousemove', function (e) {
    if (!drag) return;
    var dt = (e.clientX - drag.x) / plot.getBoundingClientRect().width * (drag.v1 - drag.v0);
    show(drag.v0 - dt, drag.v1 - dt);
  });
  window.addEventListener('mouseup', function () { drag = null; plot.style.cursor = ''; });
  window.addEventListener('resize', function () { layout(); });

  show(data.focus[0], data.focus[1]);
  setStep(cur, true);
})(document.currentScript && document.currentScript.parentElement);`
