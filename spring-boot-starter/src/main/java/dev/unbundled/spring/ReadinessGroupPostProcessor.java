package dev.unbundled.spring;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;

/**
 * Makes the views' health a member of the readiness group, whatever else the group holds, and of no other group:
 * liveness never waits for a view. Runs after Boot's probes have added the group; without probes there is no
 * readiness group and nothing to do.
 */
final class ReadinessGroupPostProcessor implements HealthEndpointGroupsPostProcessor {
    static final String READINESS = "readiness";

    private final String member;

    ReadinessGroupPostProcessor(String member) {
        this.member = member;
    }

    @Override
    public HealthEndpointGroups postProcessHealthEndpointGroups(HealthEndpointGroups groups) {
        HealthEndpointGroup readiness = groups.get(READINESS);
        if (readiness == null || readiness.isMember(member)) {
            return groups;
        }
        Map<String, HealthEndpointGroup> all = new LinkedHashMap<>();
        groups.getNames().forEach(name -> all.put(name, groups.get(name)));
        all.put(READINESS, new WithMember(readiness, member));
        return HealthEndpointGroups.of(groups.getPrimary(), all);
    }

    private record WithMember(HealthEndpointGroup group, String member) implements HealthEndpointGroup {
        @Override
        public boolean isMember(String name) {
            return member.equals(name) || group.isMember(name);
        }

        @Override
        public boolean showComponents(SecurityContext securityContext) {
            return group.showComponents(securityContext);
        }

        @Override
        public boolean showDetails(SecurityContext securityContext) {
            return group.showDetails(securityContext);
        }

        @Override
        public StatusAggregator getStatusAggregator() {
            return group.getStatusAggregator();
        }

        @Override
        public HttpCodeStatusMapper getHttpCodeStatusMapper() {
            return group.getHttpCodeStatusMapper();
        }

        @Override
        public AdditionalHealthEndpointPath getAdditionalPath() {
            return group.getAdditionalPath();
        }
    }
}
