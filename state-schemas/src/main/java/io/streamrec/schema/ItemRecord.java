package io.streamrec.schema;

import java.io.Serializable;
import java.util.List;

/** A catalog item: id, display title and attributes (e.g. MovieTweetings genres). */
public record ItemRecord(String itemId, String title, List<String> attributes)
        implements Serializable {}
