"""Build forged /_dash-update-component requests straight from an app's callback map."""

import json


def _split_outputs(key: str) -> list[dict]:
    key = key.strip(".")
    parts = key.split("...") if key.startswith(".") or "..." in key else [key]
    outs = []
    for part in parts:
        part = part.strip(".")
        ident, prop = part.rsplit(".", 1)
        if ident.startswith("{"):
            ident = json.loads(ident)
        outs.append({"id": ident, "property": prop})
    return outs


def find_callback(app, output_prefix: str) -> tuple[str, dict]:
    """The callback-map entry whose output key is output_prefix, else the first that contains it."""
    if output_prefix in app.callback_map:
        return output_prefix, app.callback_map[output_prefix]
    for key, entry in app.callback_map.items():
        if output_prefix in key:
            return key, entry
    raise KeyError(output_prefix)


def payload(app, output_prefix: str, values: dict, triggered: list[str] | None = None) -> dict:
    """A request body for the callback writing output_prefix; values maps 'id.prop' to the input value.

    Pattern-matching ALL inputs take a list of ({id dict}, value) pairs. State is filled the same way.
    """
    key, entry = find_callback(app, output_prefix)
    inputs = []
    for dep in entry["inputs"]:
        ident, prop = dep["id"], dep["property"]
        if isinstance(ident, str) and ident.startswith("{"):
            pattern_key = ident
            items = values.get(pattern_key, [])
            inputs.append([{"id": i, "property": prop, "value": v} for i, v in items])
        else:
            inputs.append({"id": ident, "property": prop, "value": values.get(f"{ident}.{prop}")})
    states = []
    for dep in entry.get("state", []):
        ident, prop = dep["id"], dep["property"]
        if isinstance(ident, str) and ident.startswith("{"):
            states.append([{"id": i, "property": prop, "value": v} for i, v in values.get(ident, [])])
        else:
            states.append({"id": ident, "property": prop, "value": values.get(f"{ident}.{prop}")})
    outputs = _split_outputs(key)
    body = {
        "output": key,
        "outputs": outputs if key.startswith("..") else outputs[0],
        "inputs": inputs,
        "changedPropIds": triggered or [],
        "state": states,
    }
    return body


def post(client, app, output_prefix: str, values: dict, triggered: list[str] | None = None):
    """POST a forged callback request and return the response."""
    return client.post("/_dash-update-component", json=payload(app, output_prefix, values, triggered))


class ServedCallbacks:
    """The callback map a running server publishes at /_dash-dependencies, usable wherever an app is taken above."""

    def __init__(self, dependencies: list[dict]):
        self.callback_map = {d["output"]: d for d in dependencies}
