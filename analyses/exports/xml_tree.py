"""What GEXF and GraphML share: XML text cleaned of what XML 1.0 cannot hold, and the
document written as indented UTF-8 bytes."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

XSI_NAMESPACE = "http://www.w3.org/2001/XMLSchema-instance"

#: Characters XML 1.0 does not allow (Gephi's parser stops on them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 does not allow."""
    return _NOT_XML.sub("", text)


def xml_bytes(root: ET.Element) -> bytes:
    """The document of ``root``, indented, with its XML declaration and a final newline."""
    ET.indent(root)
    out = io.BytesIO()
    ET.ElementTree(root).write(out, encoding="UTF-8", xml_declaration=True)
    return out.getvalue() + b"\n"
