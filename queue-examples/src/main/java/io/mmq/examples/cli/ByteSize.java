package io.mmq.examples.cli;

import java.util.Locale;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads sizes such as {@code 4096}, {@code 64k}, {@code 1m} or {@code 1g} (binary multiples).
 */
public final class ByteSize implements ITypeConverter<Integer>
{
    @Override
    public Integer convert(final String value)
    {
        final String text = value.trim().toLowerCase(Locale.ROOT).replace("_", "");
        long multiplier = 1;
        String digits = text;
        if (text.endsWith("k") || text.endsWith("m") || text.endsWith("g"))
        {
            multiplier = text.endsWith("k") ? 1L << 10 : text.endsWith("m") ? 1L << 20 : 1L << 30;
            digits = text.substring(0, text.length() - 1);
        }
        try
        {
            final long bytes = Long.parseLong(digits) * multiplier;
            if (bytes < 0 || bytes > Integer.MAX_VALUE)
            {
                throw new TypeConversionException("size out of range: " + value);
            }
            return (int)bytes;
        }
        catch (final NumberFormatException ex)
        {
            throw new TypeConversionException("not a size (examples: 4096, 64k, 1m, 1g): " + value);
        }
    }
}
