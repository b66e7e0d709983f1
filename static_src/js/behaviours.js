/*
 * Small page behaviours read from data attributes, so that no template needs an inline event
 * handler (onclick="..."), which the Content-Security-Policy forbids. Loaded by templates/base.html
 * and, in the Wagtail admin, by the insert_global_admin_js hook (accounts/csp_hooks.py).
 *
 *   <form data-confirm="确定作废？">            asks before submitting; "取消" keeps the page
 *   <select data-autosubmit>                    submits its form when the choice changes
 *   <input type="checkbox" data-select-all="workers">  checks or clears every input[name=workers]
 *   <input data-select-on-focus>                selects its text when focused or clicked (to copy)
 *   <form data-kinds-form> ... <span data-weight-total>  running total of the weights typed in
 *                                               the rows [data-kind-row] (evaluation cycle kinds)
 *
 * Listeners sit on the document, so rows added after loading behave the same.
 */
(function () {
    "use strict";

    document.addEventListener("submit", function (event) {
        var form = event.target;
        var question = form.getAttribute && form.getAttribute("data-confirm");
        if (question && !window.confirm(question)) {
            event.preventDefault();
            event.stopImmediatePropagation();
        }
    }, true);

    document.addEventListener("change", function (event) {
        var target = event.target;
        if (target.matches("select[data-autosubmit]") && target.form) {
            target.form.submit();
        }
        if (target.matches("input[type=checkbox][data-select-all]")) {
            var name = target.getAttribute("data-select-all");
            var scope = target.form || document;
            scope.querySelectorAll("input[type=checkbox]").forEach(function (box) {
                if (box.name === name && !box.disabled) {
                    box.checked = target.checked;
                }
            });
        }
    });

    function selectText(event) {
        var target = event.target;
        if (target.matches && target.matches("[data-select-on-focus]")) {
            target.select();
        }
    }
    document.addEventListener("focusin", selectText);
    document.addEventListener("click", selectText);

    function updateWeightTotal(form) {
        var out = form.querySelector("[data-weight-total]");
        if (!out) {
            return;
        }
        var total = 0;
        form.querySelectorAll("[data-kind-row]").forEach(function (row) {
            var weight = row.querySelector("input[name$='-weight']");
            var deleted = row.querySelector("input[name$='-DELETE']");
            if (!weight || (deleted && deleted.checked)) {
                return;
            }
            total += parseInt(weight.value, 10) || 0;
        });
        out.textContent = total;
    }
    ["input", "change"].forEach(function (kind) {
        document.addEventListener(kind, function (event) {
            var form = event.target.closest && event.target.closest("[data-kinds-form]");
            if (form) {
                updateWeightTotal(form);
            }
        });
    });
})();
