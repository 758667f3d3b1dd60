"""Phone-style notification badges and the navbar bell: an icon, a number and a word, never colour alone."""

from dash import html

STATE_WORDS = {"red": "overdue", "amber": "due soon", "neutral": "open", "clear": "clear", "grey": "clear"}


def notification_badge(cat: dict, selected: bool = False) -> html.Button:
    """One category tile with its count bubble; clicking it filters the worklist to that category."""
    # No aria-label: the name is the visible count, label and status, so voice control finds it (WCAG 2.5.3).
    state = cat["state"]
    parts = []
    if cat["overdue"]:
        parts.append(f"{cat['overdue']} overdue")
    if cat["due_soon"]:
        parts.append(f"{cat['due_soon']} due soon")
    if cat.get("info"):
        parts.append(f"{cat['info']} to action")
    if not parts:
        parts.append("all clear")
    if cat.get("upcoming"):
        parts.append(f"{cat['upcoming']} later")
    status = " · ".join(parts)
    count = str(cat.get("owed", cat["total"]))
    return html.Button(
        [
            html.Span([html.I(className=f"bi {cat['icon']}", **{"aria-hidden": "true"}),
                       html.Span(count, className=f"count-bubble bubble-{state}",
                                 id={"type": "badge-count", "kind": cat["id"]})],
                      className="badge-icon"),
            html.Span(cat["label"], className="badge-label"),
            html.Span(status, className=f"badge-status status-{state}"),
        ],
        className=f"notification-badge state-{state}" + (" is-selected" if selected else ""),
        id={"type": "badge", "kind": cat["id"]},
        # A toggle's state in words for screen readers, as the outline shows it on screen.
        **{"aria-pressed": "true" if selected else "false"},
        title=cat.get("description", ""),
        n_clicks=0,
    )


def bell_contents(bell: dict) -> list:
    """Children of the navbar bell button."""
    state = bell.get("state", "grey")
    icon = "bi-bell-fill" if state != "grey" else "bi-bell"
    return [
        html.I(className=f"bi {icon}", **{"aria-hidden": "true"}),
        # The hidden label starts with the same number, so the button's name is the label alone.
        html.Span(str(bell.get("total", 0)), className=f"bell-count bubble-{state}", id="bell-count",
                  **{"aria-hidden": "true"}),
        html.Span(bell.get("label", ""), className="visually-hidden"),
    ]


def bell_class(bell: dict) -> str:
    return f"btn bell-button bell-{bell.get('state', 'grey')}"
