/// How many terminal columns text takes: 2 for a wide character (East Asian Width W or F: CJK, fullwidth forms,
/// most emoji) or an emoji shown as emoji (`❤️`, flags, `👩‍💻`), 0 for a character that only combines or joins,
/// 1 otherwise. Per grapheme cluster, so `é` written as `e` + U+0301 is one column.
public enum DisplayWidth {
    /// The columns `text` takes on a terminal.
    public static func of(_ text: String) -> Int {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.utf8.count }
        return text.reduce(0) { $0 + of($1) }
    }

    /// The columns one grapheme cluster takes.
    static func of(_ character: Character) -> Int {
        var width = 0
        var emoji = false
        for scalar in character.unicodeScalars {
            let properties = scalar.properties
            if isWide(scalar) || properties.isEmojiPresentation { return 2 }
            if scalar.value == 0xFE0F && emoji { return 2 }  // VARIATION SELECTOR-16 after an emoji: emoji style
            emoji = properties.isEmoji
            if width == 0 && !isZeroWidth(properties) { width = 1 }
        }
        return width
    }

    /// Whether `scalar` is East Asian Wide or Fullwidth (the generated ``wideRanges``).
    static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        guard value >= 0x1100 else { return false }
        var low = 0
        var high = wideRanges.count
        while low < high {
            let middle = (low + high) / 2
            if wideRanges[middle].upperBound < value {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low < wideRanges.count && wideRanges[low].contains(value)
    }

    private static func isZeroWidth(_ properties: Unicode.Scalar.Properties) -> Bool {
        switch properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return true
        default: return properties.isDefaultIgnorableCodePoint
        }
    }
}
