/* The schedule's Gantt: drag a bar (mouse or pen) to another line or day to move the work order.
   The move is posted to the same view as the move form (as JSON); a move that overloads a line
   comes back refused with the reason and may be confirmed; a saved move redraws the Gantt from
   the server without a reload. A tap or Enter on a bar opens the move form instead. */
(function () {
  "use strict";
  var holder = document.getElementById("gantt-holder");
  var status = document.getElementById("gantt-status");
  if (!holder) return;

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function say(text, kind) {
    status.textContent = text;
    status.className = "alert alert-" + kind;
  }

  function addDays(iso, days) {
    var parts = iso.split("-").map(Number);
    var day = new Date(Date.UTC(parts[0], parts[1] - 1, parts[2] + days));
    return day.toISOString().slice(0, 10);
  }

  function redraw() {
    return fetch(holder.dataset.fragmentUrl, {credentials: "same-origin"})
      .then(function (response) { return response.text(); })
      .then(function (html) { holder.innerHTML = html; });
  }

  function post(gantt, entry, line, start, confirmed) {
    var body = new FormData();
    body.append("line", line);
    body.append("start", start);
    if (confirmed) body.append("confirm", "on");
    gantt.classList.add("busy");
    return fetch(gantt.dataset.moveUrl.replace(/\/0\/move\/$/, "/" + entry + "/move/"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRFToken": csrfToken()}
    }).then(function (response) {
      return response.json().then(function (data) { return {status: response.status, data: data}; });
    }).then(function (result) {
      if (result.data.ok) {
        return redraw().then(function () { say(result.data.message, "success"); });
      }
      gantt.classList.remove("busy");
      if (result.data.code === "overload" && !confirmed &&
          window.confirm(result.data.message + "\n\n" + gantt.dataset.confirm)) {
        return post(gantt, entry, line, start, true);
      }
      say(result.data.message, result.data.code === "overload" ? "warning" : "danger");
    }).catch(function () {
      gantt.classList.remove("busy");
      say(gantt.dataset.failed, "danger");
    });
  }

  var drag = null;

  holder.addEventListener("pointerdown", function (event) {
    var bar = event.target.closest(".gantt-bar");
    var gantt = event.target.closest(".gantt.can-plan");
    // Touch scrolls the chart; on a phone the move form (a tap) is the way to move.
    if (!bar || !gantt || event.pointerType === "touch" || event.button !== 0) return;
    drag = {bar: bar, gantt: gantt, x: event.clientX, y: event.clientY, moved: false,
            row: bar.closest(".gantt-row")};
  });

  holder.addEventListener("pointermove", function (event) {
    if (!drag) return;
    var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 6) return;
    if (!drag.moved) {
      drag.moved = true;
      drag.bar.setPointerCapture(event.pointerId);
      drag.bar.classList.add("dragging");
    }
    drag.bar.style.transform = "translate(" + dx + "px," + dy + "px)";
    drag.bar.style.visibility = "hidden";
    var under = document.elementFromPoint(event.clientX, event.clientY);
    drag.bar.style.visibility = "";
    var row = under && under.closest(".gantt-row[data-line]");
    holder.querySelectorAll(".drop-target").forEach(function (r) { r.classList.remove("drop-target"); });
    if (row) row.classList.add("drop-target");
    drag.target = row;
    drag.dx = dx;
  });

  function finish(event) {
    if (!drag) return;
    var state = drag;
    drag = null;
    holder.querySelectorAll(".drop-target").forEach(function (r) { r.classList.remove("drop-target"); });
    if (!state.moved) return;
    state.bar.classList.remove("dragging");
    state.bar.style.transform = "";
    // The click that follows a drag must not open the move form.
    state.bar.addEventListener("click", function (e) { e.preventDefault(); }, {once: true});
    if (event.type === "pointercancel" || !state.target) return;
    var dayWidth = state.bar.parentElement.getBoundingClientRect().width /
      Number(getComputedStyle(state.gantt).getPropertyValue("--span"));
    var left = state.bar.offsetLeft + state.dx;
    var start = addDays(state.gantt.dataset.first, Math.max(0, Math.floor(left / dayWidth + 0.001)));
    var line = state.target.dataset.line;
    if (line === state.row.dataset.line && start === state.bar.dataset.start) return;
    post(state.gantt, state.bar.dataset.entry, line, start, false);
  }

  // A bar is a link: the browser's own link dragging would cancel ours.
  holder.addEventListener("dragstart", function (event) {
    if (event.target.closest && event.target.closest(".gantt-bar")) event.preventDefault();
  });
  holder.addEventListener("pointerup", finish);
  holder.addEventListener("pointercancel", finish);
})();
