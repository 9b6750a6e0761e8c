import { styleText } from "node:util";
import { type Colors, NO_COLORS } from "../report/audit-text.js";

/** Colour only on a terminal, and never with NO_COLOR set (https://no-color.org). */
export function terminalColors(stream: NodeJS.WriteStream): Colors {
  if (!stream.isTTY || process.env.NO_COLOR) return NO_COLORS;
  return {
    red: (t) => styleText("red", t),
    yellow: (t) => styleText("yellow", t),
    green: (t) => styleText("green", t),
    bold: (t) => styleText("bold", t),
    dim: (t) => styleText("dim", t),
  };
}
