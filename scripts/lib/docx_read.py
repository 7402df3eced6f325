"""Reads a DOCX with python-docx (an independent reader, for the session export tests) and prints
one JSON object per paragraph (its style's name and its text), one per footer, and one per inline
picture (the kind python-docx reads its bytes as, and its size in pixels). The file's path is the
argument."""
import json
import sys

import docx

document = docx.Document(sys.argv[1])
for paragraph in document.paragraphs:
    # A paragraph without a style of its own takes the document's default (no name to give).
    style = paragraph.style.name if paragraph.style is not None else "(default)"
    print(json.dumps({"style": style, "text": paragraph.text}, ensure_ascii=False))
for section in document.sections:
    footer = " ".join(p.text for p in section.footer.paragraphs)
    xml = section.footer._element.xml
    print(json.dumps({"style": "footer", "text": footer, "page_field": "PAGE" in xml}, ensure_ascii=False))
for shape in document.inline_shapes:
    blip = shape._inline.graphic.graphicData.pic.blipFill.blip
    image = document.part.related_parts[blip.embed].image
    print(json.dumps({"style": "picture", "text": "", "content_type": image.content_type,
                      "width": image.px_width, "height": image.px_height}))
