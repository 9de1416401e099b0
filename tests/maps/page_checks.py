"""Checks the browser tests make on every page: axe-core's serious and critical violations, sideways
scrolling."""

__all__ = ["axe_serious", "no_sideways_scroll"]

SERIOUS = {"serious", "critical"}


def axe_serious(page, context=None) -> list[str]:
    """axe-core's violations of impact serious or critical (in `context`, a CSS selector, if given)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=context)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


def no_sideways_scroll(page) -> bool:
    """Whether the page fits its viewport's width (a 390 px phone: nothing to scroll sideways)."""
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
