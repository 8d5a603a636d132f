package dev.unbundled.examples.spring;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.ViewNotReadyException;
import dev.unbundled.examples.ordernotes.Warehouse.OrderNote;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The order notes over REST, read from the local view in microseconds:
 *
 * <pre>{@code
 * GET /notes/o-1    -> 200 {"product":"Desk lamp","shelf":"A3","quantity":2}
 * GET /notes/o-404  -> 404 (no such order, or its product is unknown, or its quantity is not positive)
 * }</pre>
 *
 * <p>While the view cannot answer yet (the readiness probe keeps traffic away then), a read answers 503 with
 * the view's own explanation.
 */
@RestController
public class NotesController {
    private final ReadOnlyView<String, OrderNote> notes;

    /** @param notes the order notes view, injected by its type */
    public NotesController(ReadOnlyView<String, OrderNote> notes) {
        this.notes = notes;
    }

    /**
     * @param orderId the order
     * @return its note, or 404
     */
    @GetMapping("/notes/{orderId}")
    public ResponseEntity<OrderNote> note(@PathVariable("orderId") String orderId) {
        return ResponseEntity.of(notes.get(orderId));
    }

    /**
     * @param e why the view cannot answer
     * @return 503 with the reason
     */
    @ExceptionHandler(ViewNotReadyException.class)
    public ResponseEntity<String> notReady(ViewNotReadyException e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(e.getMessage());
    }
}
