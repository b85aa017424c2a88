// The language switch returns to the page as it is now: path, organisation, period and
// indicator (the shell writes them into the address), not the page first opened.
document.addEventListener("click", function (event) {
    const link = event.target.closest("a.lang-switch");
    if (!link) { return; }
    const url = new URL(link.href, window.location.href);
    url.searchParams.set("next", window.location.pathname + window.location.search);
    link.href = url.href;
}, true);
