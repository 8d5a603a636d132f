package dev.unbundled.spring;

import dev.unbundled.ReadOnlyView;
import dev.unbundled.ViewDefinition;
import dev.unbundled.ViewRuntime;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.core.ResolvableType;

/**
 * Adds, for each {@link ViewDefinition} bean {@code x}, a {@link ReadOnlyView} bean {@code xView} of the same
 * generic types, qualified {@code x}: injectable by type ({@code ReadOnlyView<String, OrderNote>}) or by
 * {@code @Qualifier("x")}. Definitions are not instantiated here; their types come from their bean definitions
 * (the return type of a {@code @Bean} method), and a definition whose types cannot be told is injectable by name
 * only.
 */
final class ReadOnlyViewRegistrar implements BeanDefinitionRegistryPostProcessor {

    static final String SUFFIX = "View";

    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
        if (!(registry instanceof ConfigurableListableBeanFactory beanFactory)) {
            return;
        }
        for (String definitionName : beanFactory.getBeanNamesForType(ViewDefinition.class, true, false)) {
            String viewName = definitionName + SUFFIX;
            if (registry.containsBeanDefinition(viewName)) {
                throw new IllegalStateException("The view of ViewDefinition bean '" + definitionName + "' is the bean '"
                        + viewName + "', but a bean of that name exists already; rename one of them");
            }
            RootBeanDefinition view = new RootBeanDefinition(ReadOnlyView.class);
            view.setTargetType(viewType(beanFactory, definitionName));
            view.addQualifier(new AutowireCandidateQualifier(Qualifier.class, definitionName));
            view.setInstanceSupplier(() -> {
                ViewDefinition<?, ?> definition = beanFactory.getBean(definitionName, ViewDefinition.class);
                return beanFactory.getBean(ViewRuntime.class).view(definition);
            });
            registry.registerBeanDefinition(viewName, view);
        }
    }

    private static ResolvableType viewType(ConfigurableListableBeanFactory beanFactory, String definitionName) {
        // predicting the type caches the factory method's generic return type on the merged definition
        beanFactory.getType(definitionName, false);
        ResolvableType definition = beanFactory.getMergedBeanDefinition(definitionName).getResolvableType()
                .as(ViewDefinition.class);
        if (definition == ResolvableType.NONE || definition.hasUnresolvableGenerics()) {
            return ResolvableType.forClass(ReadOnlyView.class);
        }
        return ResolvableType.forClassWithGenerics(ReadOnlyView.class, definition.getGenerics());
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        // everything happens while bean definitions can still be added
    }
}
