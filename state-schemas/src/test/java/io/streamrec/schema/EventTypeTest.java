package io.streamrec.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventTypeTest {
    @ParameterizedTest
    @CsvSource({"view,VIEW", "CLICK,CLICK", "Cart,CART", "pUrChAsE,PURCHASE", "rating,RATING"})
    void parsesTheNamesInAnyAsciiCase(String name, EventType type) {
        assertThat(EventType.parse(name)).isEqualTo(type);
    }

    /**
     * Only the names themselves: Unicode case mapping takes a dotless i to I and the Kelvin sign to
     * k, and blanks around a name are an invalid type, as anywhere else in a record.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "rat\u0131ng", // dotless i
                "RAT\u0130NG", // dotted capital I
                "clic\u212A", // Kelvin sign, whose lower case is k
                "cl\u0130ck", // dotted capital I, whose lower case is i
                "\t VIEW \n",
                " view",
                "view ",
                "",
                "views",
                "teleport"
            })
    void anythingElseIsUnknown(String name) {
        assertThat(EventType.parse(name)).isNull();
    }

    @Test
    void nullIsUnknown() {
        assertThat(EventType.parse(null)).isNull();
    }
}
