"""The structure of i2 Analyst's Notebook's chart import format (ANX, "Chart XML"), as a
check a test can run on an export.

Written from the format's published description (IBM i2 Analyst's Notebook, "ANX XML" chart
import reference; the element and attribute names as open implementations that Analyst's
Notebook imports write them, e.g. the lumify project's analysts-notebook-export model
classes ``Chart``, ``ChartItem``, ``End``, ``Entity``, ``Icon``, ``IconStyle``, ``Link``,
``LinkStyle``, ``AttributeClass``): docs/links.md gives the sources. Only the part of the
format Drachma writes is checked, but strictly: an element or attribute the format does not
have there, or a reference to nothing, is an error.
"""

from __future__ import annotations

import datetime
from xml.etree import ElementTree as ET

BOOLEAN = {"true", "false"}
# Chart's children, in the order the schema's sequence gives them (those Drachma may write).
CHART_CHILDREN = [
    "AttributeClassCollection",
    "LinkTypeCollection",
    "EntityTypeCollection",
    "ChartItemCollection",
    "Summary",
    "PrintSettings",
]
CHART_ATTRIBUTES = {"IdReferenceLinking", "Rigorous"}
ATTRIBUTE_TYPES = {"AttFlag", "AttNumber", "AttText", "AttTime"}
ATTRIBUTE_CLASS_ATTRIBUTES = {"Name", "Type", "Visible", "ShowValue", "Prefix", "Suffix"}
CHART_ITEM_ATTRIBUTES = {"Label", "Description", "DateSet", "DateTime", "XPosition"}
ENTITY_ATTRIBUTES = {"EntityId", "Identity", "LabelIsIdentity"}
LINK_ATTRIBUTES = {"End1Id", "End2Id", "Reference"}
ARROW_STYLES = {"ArrowNone", "ArrowOnHead", "ArrowOnTail", "ArrowOnBoth"}
LINK_STYLE_TYPES = {"Link"}
LINK_STYLE_ATTRIBUTES = {"ArrowStyle", "Type", "Strength", "LineWidth", "LineColour"}


def problems(xml: bytes) -> list[str]:
    """What in ``xml`` breaks the format (empty when it is a well-formed chart)."""
    found: list[str] = []
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        return [f"not XML: {exc}"]
    if root.tag != "Chart":
        return [f"the root is {root.tag}, not Chart"]
    found += _unknown(root, CHART_ATTRIBUTES)
    for name in CHART_ATTRIBUTES & set(root.attrib):
        if root.attrib[name] not in BOOLEAN:
            found.append(f"Chart@{name} is not a boolean")
    order = [child.tag for child in root]
    for tag in order:
        if tag not in CHART_CHILDREN:
            found.append(f"Chart has an unknown child {tag}")
    positions = [CHART_CHILDREN.index(t) for t in order if t in CHART_CHILDREN]
    if positions != sorted(positions) or len(set(order)) != len(order):
        found.append(f"Chart's children are out of the schema's order: {order}")

    classes: set[str] = set()
    for cls in root.iterfind("AttributeClassCollection/AttributeClass"):
        found += _unknown(cls, ATTRIBUTE_CLASS_ATTRIBUTES)
        if not cls.get("Name"):
            found.append("an AttributeClass has no Name")
        if cls.get("Type") not in ATTRIBUTE_TYPES:
            found.append(f"AttributeClass {cls.get('Name')} has type {cls.get('Type')}")
        classes.add(cls.get("Name", ""))

    entity_ids: set[str] = set()
    links: list[ET.Element] = []
    for item in root.iterfind("ChartItemCollection/ChartItem"):
        found += _unknown(item, CHART_ITEM_ATTRIBUTES)
        found += _dated(item)
        kinds = [c.tag for c in item if c.tag in ("End", "Link")]
        extra = [c.tag for c in item if c.tag not in ("End", "Link", "AttributeCollection")]
        if len(kinds) != 1 or extra:
            found.append(f"ChartItem {item.get('Label')!r} holds {[c.tag for c in item]}")
            continue
        for attribute in item.iterfind("AttributeCollection/Attribute"):
            if attribute.get("AttributeClass") not in classes:
                found.append(f"Attribute of undeclared class {attribute.get('AttributeClass')}")
            if "Value" not in attribute.attrib:
                found.append("an Attribute has no Value")
        if kinds[0] == "End":
            entities = item.findall("End/Entity")
            if len(entities) != 1 or len(item.find("End") or []) != 1:
                found.append(f"End of {item.get('Label')!r} must hold exactly one Entity")
                continue
            entity = entities[0]
            found += _unknown(entity, ENTITY_ATTRIBUTES)
            entity_id = entity.get("EntityId")
            if not entity_id or not entity.get("Identity"):
                found.append("an Entity lacks EntityId or Identity")
            if entity_id in entity_ids:
                found.append(f"EntityId {entity_id} is repeated")
            entity_ids.add(entity_id or "")
            style = entity.find("Icon/IconStyle")
            if style is None or not style.get("Type"):
                found.append(f"Entity {entity_id} has no Icon/IconStyle@Type")
        else:
            links.append(item.find("Link"))  # type: ignore[arg-type]
    for link in links:
        found += _unknown(link, LINK_ATTRIBUTES)
        for end in ("End1Id", "End2Id"):
            if link.get(end) not in entity_ids:
                found.append(f"Link {end}={link.get(end)} names no entity")
        style = link.find("LinkStyle")
        if style is None:
            found.append("a Link has no LinkStyle")
            continue
        found += _unknown(style, LINK_STYLE_ATTRIBUTES)
        if style.get("ArrowStyle") not in ARROW_STYLES:
            found.append(f"LinkStyle@ArrowStyle {style.get('ArrowStyle')}")
        if style.get("Type") not in LINK_STYLE_TYPES:
            found.append(f"LinkStyle@Type {style.get('Type')}")
        if "Strength" in style.attrib and not style.get("Strength", "").isdigit():
            found.append("LinkStyle@Strength is not a number")
    return found


def _unknown(element: ET.Element, allowed: set[str]) -> list[str]:
    return [
        f"{element.tag} has an unknown attribute {a}" for a in element.attrib if a not in allowed
    ]


def _dated(item: ET.Element) -> list[str]:
    date_set = item.get("DateSet", "false")
    if date_set not in BOOLEAN:
        return [f"ChartItem@DateSet {date_set!r} is not a boolean"]
    if date_set == "true":
        try:
            datetime.datetime.strptime(item.get("DateTime", ""), "%Y-%m-%dT%H:%M:%S")
        except ValueError:
            return [f"ChartItem {item.get('Label')!r} is dated but DateTime is not xs:dateTime"]
    elif "DateTime" in item.attrib:
        return [f"ChartItem {item.get('Label')!r} has a DateTime but DateSet is false"]
    return []
